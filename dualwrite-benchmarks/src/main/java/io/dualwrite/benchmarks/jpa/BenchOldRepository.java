package io.dualwrite.benchmarks.jpa;

import org.springframework.data.jpa.repository.JpaRepository;

/** OLD rows, for the JPA baseline. */
public interface BenchOldRepository extends JpaRepository<BenchOld, Long> {}
