package io.dualwrite.spring.boot.jpa;

import org.springframework.data.jpa.repository.JpaRepository;

public interface PersonNameRepository extends JpaRepository<PersonNameEntity, Long> {}
