package io.dualwrite.spring.boot.jpa.people;

import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

public interface PersonRepository extends JpaRepository<PersonEntity, Long> {

    /** A finder of the OLD side, routed in {@code AbstractJpaRoutedQueryTest}. */
    Optional<PersonEntity> findByFullName(String fullName);
}
