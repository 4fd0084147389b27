package io.ledgerjdbc.compat.orm;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.ManyToMany;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.SequenceGenerator;
import java.util.HashSet;
import java.util.Set;

/** SEQUENCE key (pooled, 50 at a time: batched inserts), a many-to-one and a many-to-many. */
@Entity
public class Book {

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "book_seq")
    @SequenceGenerator(name = "book_seq", sequenceName = "book_seq", allocationSize = 50)
    public Long id;

    public String title;

    public int price;

    @ManyToOne(optional = false)
    public Author author;

    @ManyToMany
    public Set<Tag> tags = new HashSet<>();

    protected Book() {
    }

    Book(Author author, String title, int price) {
        this.author = author;
        this.title = title;
        this.price = price;
    }
}
