package io.dualwrite.spring.boot.jpa.contract;

import java.io.Serializable;
import java.util.Objects;

/** The {@code @IdClass} of {@link OrderLineEntity}: a tenant and a number within it, ordered in that order. */
public class OrderLineId implements Serializable {

    private String tenant;
    private Long seq;

    protected OrderLineId() {}

    public OrderLineId(String tenant, long seq) {
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
        return o instanceof OrderLineId other && Objects.equals(tenant, other.tenant) && Objects.equals(seq, other.seq);
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
