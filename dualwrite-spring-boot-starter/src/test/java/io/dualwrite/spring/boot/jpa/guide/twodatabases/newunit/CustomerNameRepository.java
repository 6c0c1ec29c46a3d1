package io.dualwrite.spring.boot.jpa.guide.twodatabases.newunit;

import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;

/** NEW's repository, in the NEW persistence unit. */
public interface CustomerNameRepository extends JpaRepository<CustomerName, Long> {

    Optional<CustomerName> findByEmail(String email);

    List<CustomerName> findByEmailEndingWithOrderById(String domain);

    List<CustomerName> findByIdGreaterThanAndIdLessThanEqualOrderById(long after, long through, Limit limit);

    long countByEmailEndingWith(String domain);
}
