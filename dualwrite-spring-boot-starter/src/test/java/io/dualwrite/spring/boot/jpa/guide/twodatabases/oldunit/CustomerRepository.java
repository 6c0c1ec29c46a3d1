package io.dualwrite.spring.boot.jpa.guide.twodatabases.oldunit;

import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;

/** OLD's repository, in the OLD persistence unit. */
public interface CustomerRepository extends JpaRepository<Customer, Long> {

    Optional<Customer> findByEmail(String email);

    List<Customer> findByEmailEndingWithOrderById(String domain);

    List<Customer> findByIdGreaterThanAndIdLessThanEqualOrderById(long after, long through, Limit limit);

    long countByEmailEndingWith(String domain);
}
