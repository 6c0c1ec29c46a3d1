package io.dualwrite.spring.boot.jpa.people;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The OLD side of the JPA test migration: a person with one full-name column. */
@Entity
@Table(name = "jpa_person")
public class PersonEntity {

    @Id
    private Long id;

    @Column(name = "full_name", nullable = false)
    private String fullName;

    protected PersonEntity() {}

    public PersonEntity(long id, String fullName) {
        this.id = id;
        this.fullName = fullName;
    }

    public Long getId() {
        return id;
    }

    public String getFullName() {
        return fullName;
    }
}
