package io.dualwrite.spring.boot.jpa.contract;

import org.springframework.data.jpa.repository.JpaRepository;

public interface ShipmentRepository extends JpaRepository<ShipmentEntity, ShipmentId> {}
