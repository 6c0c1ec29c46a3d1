package io.dualwrite.spring.boot.jpa.people;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.List;

/** The NEW side of the JPA test migration: the same person's name split in two columns. */
@Entity
@Table(name = "jpa_person_name")
public class PersonNameEntity {

    @Id
    private Long id;

    @Column(name = "first_name", nullable = false)
    private String firstName;

    @Column(name = "last_name", nullable = false)
    private String lastName;

    protected PersonNameEntity() {}

    public PersonNameEntity(long id, String firstName, String lastName) {
        this.id = id;
        this.firstName = firstName;
        this.lastName = lastName;
    }

    /** The OLD -> NEW mapping: everything up to the last space is the first name. */
    public static PersonNameEntity of(PersonEntity person) {
        String full = person.getFullName();
        int space = full.lastIndexOf(' ');
        return space < 0
                ? new PersonNameEntity(person.getId(), full, "")
                : new PersonNameEntity(person.getId(), full.substring(0, space), full.substring(space + 1));
    }

    public Long getId() {
        return id;
    }

    /** What the comparison looks at: entities have identity equality, their content is compared instead. */
    public List<Object> content() {
        return List.of(id, firstName, lastName);
    }
}
