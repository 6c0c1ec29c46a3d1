package io.dualwrite.spring.boot.jpa.people;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

public interface PersonNameRepository extends JpaRepository<PersonNameEntity, Long> {

    /** The same finder on the NEW side. */
    Optional<PersonNameEntity> findByFirstNameAndLastName(String firstName, String lastName);

    /** A list of the NEW side, in key order. */
    List<PersonNameEntity> findByLastNameOrderByIdAsc(String lastName);
}
