package io.ledgerjdbc.compat.orm;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;

/** An assigned (natural) key. */
@Entity
public class Tag {

    @Id
    public String code;

    public String label;

    protected Tag() {
    }

    public Tag(String code, String label) {
        this.code = code;
        this.label = label;
    }
}
