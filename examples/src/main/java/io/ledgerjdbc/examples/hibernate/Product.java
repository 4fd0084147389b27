package io.ledgerjdbc.examples.hibernate;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import java.math.BigDecimal;

@Entity
public class Product {

    @Id
    public String sku;

    public String title;

    public BigDecimal price;

    protected Product() {
    }

    public Product(String sku, String title, BigDecimal price) {
        this.sku = sku;
        this.title = title;
        this.price = price;
    }
}
