package io.dualwrite.spring.boot.jpa.kept;

import org.springframework.data.jpa.repository.JpaRepository;

/** The application's repository of prices. */
public interface PriceRepository extends JpaRepository<PriceEntity, Long> {}
