package io.dualwrite.benchmarks.jpa;

import org.springframework.data.jpa.repository.JpaRepository;

/** NEW rows, for the JPA baseline. */
public interface BenchNewRepository extends JpaRepository<BenchNew, Long> {}
