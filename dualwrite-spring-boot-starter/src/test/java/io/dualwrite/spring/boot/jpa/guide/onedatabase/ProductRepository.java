package io.dualwrite.spring.boot.jpa.guide.onedatabase;

import org.springframework.data.jpa.repository.JpaRepository;

/** The application's repository of products. */
public interface ProductRepository extends JpaRepository<Product, Long> {}
