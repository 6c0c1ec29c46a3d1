package io.dualwrite.spring.boot.jpa.guide.onedatabase;

import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;

/** NEW's repository: the same finders, on the new entity. */
public interface CustomerNameRepository extends JpaRepository<CustomerName, Long> {

    Optional<CustomerName> findByEmail(String email);

    List<CustomerName> findByEmailEndingWithOrderById(String domain);

    List<CustomerName> findByIdGreaterThanAndIdLessThanEqualOrderById(long after, long through, Limit limit);

    long countByEmailEndingWith(String domain);
}
