package io.dualwrite.spring.boot.jpa.kept;

import org.springframework.data.jpa.repository.JpaRepository;

/** The application's repository of products. */
public interface ProductRepository extends JpaRepository<ProductEntity, Long> {}
