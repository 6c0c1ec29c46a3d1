package io.dualwrite.spring.boot.jpa.contract;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.util.List;

/** An entity with an {@code @IdClass} composite id {@code (tenant, seq)}. */
@Entity
@Table(name = "jpa_store_contract_line")
@IdClass(OrderLineId.class)
public class OrderLineEntity {

    @Id
    @Column(name = "tenant", length = 20)
    private String tenant;

    @Id
    @Column(name = "seq")
    private Long seq;

    @Column(name = "item", length = 200)
    private String item;

    protected OrderLineEntity() {}

    public OrderLineEntity(OrderLineId id, String item) {
        this.tenant = id.getTenant();
        this.seq = id.getSeq();
        this.item = item;
    }

    public OrderLineId id() {
        return new OrderLineId(tenant, seq);
    }

    public String getItem() {
        return item;
    }

    /** What the contract compares: an entity has no {@code equals} of its own. */
    List<Object> content() {
        return List.of(tenant, seq, item);
    }
}
