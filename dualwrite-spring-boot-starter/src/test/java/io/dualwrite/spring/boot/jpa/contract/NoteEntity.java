package io.dualwrite.spring.boot.jpa.contract;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.List;

/** The entity of the MigrationStore contract's runs on JpaStore: a note with a body. */
@Entity
@Table(name = "jpa_store_contract_note")
public class NoteEntity {

    @Id
    private Long id;

    @Column(name = "body", length = 200)
    private String body;

    protected NoteEntity() {}

    public NoteEntity(long id, String body) {
        this.id = id;
        this.body = body;
    }

    public Long getId() {
        return id;
    }

    public String getBody() {
        return body;
    }

    /** What the contract compares: an entity has no {@code equals} of its own. */
    List<Object> content() {
        return List.of(id, body);
    }
}
