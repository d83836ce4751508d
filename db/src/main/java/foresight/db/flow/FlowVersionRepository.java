package foresight.db.flow;

import org.jooq.DSLContext;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import static foresight.db.schema.Tables.FLOW_VERSIONS;

/** The versions of the operator files that went live, newest last; {@code files} is JSON (path → text). */
public final class FlowVersionRepository {
    /** One version as it went live. */
    public record FlowVersion(long id, String version, Instant liveAt, String source, String filesJson, String diff) {}

    private final DSLContext dsl;

    public FlowVersionRepository(DSLContext dsl) { this.dsl = dsl; }

    public long insert(String version, Instant at, String source, String filesJson, String diff) {
        return dsl.insertInto(FLOW_VERSIONS).set(FLOW_VERSIONS.VERSION, version).set(FLOW_VERSIONS.LIVE_AT, at.atOffset(ZoneOffset.UTC))
                .set(FLOW_VERSIONS.SOURCE, source.length() > 255 ? source.substring(0, 255) : source)
                .set(FLOW_VERSIONS.FILES, filesJson).set(FLOW_VERSIONS.DIFF, diff)
                .returning(FLOW_VERSIONS.ID).fetchOne().getId();
    }

    /** The newest first, at most {@code limit}. */
    public List<FlowVersion> list(int limit) {
        return dsl.selectFrom(FLOW_VERSIONS).orderBy(FLOW_VERSIONS.ID.desc()).limit(limit).fetch(r -> new FlowVersion(r.getId(), r.getVersion(),
                r.getLiveAt().toInstant(), r.getSource(), r.getFiles(), r.getDiff()));
    }

    public Optional<FlowVersion> latest() { return list(1).stream().findFirst(); }

    /** The last time {@code version} (a content hash, or a unique prefix of one) went live. */
    public Optional<FlowVersion> find(String version) {
        return dsl.selectFrom(FLOW_VERSIONS).where(FLOW_VERSIONS.VERSION.startsWith(version)).orderBy(FLOW_VERSIONS.ID.desc()).limit(1)
                .fetchOptional(r -> new FlowVersion(r.getId(), r.getVersion(), r.getLiveAt().toInstant(), r.getSource(), r.getFiles(), r.getDiff()));
    }
}
