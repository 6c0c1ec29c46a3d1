package io.dualwrite.spring.boot.jpa.contract;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import java.io.Serializable;
import java.util.Objects;

/** The {@code @EmbeddedId} of {@link ShipmentEntity}: a tenant and a number within it, ordered in that order. */
@Embeddable
public class ShipmentId implements Serializable {

    @Column(name = "tenant", length = 20)
    private String tenant;

    @Column(name = "seq")
    private Long seq;

    protected ShipmentId() {}

    public ShipmentId(String tenant, long seq) {
        this.tenant = tenant;
        this.seq = seq;
    }

    public String getTenant() {
        return tenant;
    }

    public Long getSeq() {
        return seq;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ShipmentId other && Objects.equals(tenant, other.tenant) && Objects.equals(seq, other.seq);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tenant, seq);
    }

    @Override
    public String toString() {
        return tenant + "/" + seq;
    }
}
