package io.dualwrite.benchmarks.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The OLD row of the benchmark table, for the JPA baseline. */
@Entity
@Table(name = "bench_old")
public class BenchOld {

    @Id
    private Long id;

    @Column(name = "full_name")
    private String fullName;

    protected BenchOld() {}

    public Long getId() {
        return id;
    }

    public String getFullName() {
        return fullName;
    }
}
