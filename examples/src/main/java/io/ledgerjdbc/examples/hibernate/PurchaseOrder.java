package io.ledgerjdbc.examples.hibernate;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.ManyToMany;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.SequenceGenerator;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.Set;

@Entity
public class PurchaseOrder {

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "order_seq")
    @SequenceGenerator(name = "order_seq", sequenceName = "order_seq", allocationSize = 50)
    public Long id;

    @ManyToOne(optional = false)
    public Customer customer;

    @ManyToMany
    public Set<Product> products = new HashSet<>();

    public BigDecimal total;

    public String status;

    protected PurchaseOrder() {
    }

    public PurchaseOrder(Customer customer, BigDecimal total) {
        this.customer = customer;
        this.total = total;
        this.status = "NEW";
    }
}
