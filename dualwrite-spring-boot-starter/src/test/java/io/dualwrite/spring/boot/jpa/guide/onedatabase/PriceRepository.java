package io.dualwrite.spring.boot.jpa.guide.onedatabase;

import org.springframework.data.jpa.repository.JpaRepository;

/** NEW's repository of prices. */
public interface PriceRepository extends JpaRepository<Price, Long> {}
