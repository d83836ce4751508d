package foresight.app.config;

/**
 * All settings, from one YAML file ({@code foresight.yml}) with environment overrides
 * ({@code FORESIGHT_<SECTION>_<FIELD>}, e.g. {@code FORESIGHT_SIP_PORT=5070}). Every field has a default that
 * works on a fresh checkout: embedded PostgreSQL, SIP on 5060, HTTP on 8080, the example hotline.
 */
public record ForesightConfig(Sip sip, Http http, Database database, Speech speech, Operator operator,
                              Recording recording, Transcription transcription, Demo demo, Prediction prediction, Acd acd, Digest digest,
                              Cluster cluster) {

    public ForesightConfig {
        if (digest == null) digest = Digest.DEFAULT;
        if (cluster == null) cluster = Cluster.DEFAULT;
    }

    /** Without a cluster section: a single node. */
    public ForesightConfig(Sip sip, Http http, Database database, Speech speech, Operator operator,
                           Recording recording, Transcription transcription, Demo demo, Prediction prediction, Acd acd, Digest digest) {
        this(sip, http, database, speech, operator, recording, transcription, demo, prediction, acd, digest, Cluster.DEFAULT);
    }

    /** Without a digest section: the default digest settings (off). */
    public ForesightConfig(Sip sip, Http http, Database database, Speech speech, Operator operator,
                           Recording recording, Transcription transcription, Demo demo, Prediction prediction, Acd acd) {
        this(sip, http, database, speech, operator, recording, transcription, demo, prediction, acd, Digest.DEFAULT);
    }

    /** The same configuration with other SIP settings. */
    public ForesightConfig withSip(Sip s) {
        return new ForesightConfig(s, http, database, speech, operator, recording, transcription, demo, prediction, acd, digest, cluster);
    }

    /** The same configuration with other recording settings. */
    public ForesightConfig withRecording(Recording r) {
        return new ForesightConfig(sip, http, database, speech, operator, r, transcription, demo, prediction, acd, digest, cluster);
    }

    /** The same configuration with other contact-center settings. */
    public ForesightConfig withAcd(Acd a) {
        return new ForesightConfig(sip, http, database, speech, operator, recording, transcription, demo, prediction, a, digest, cluster);
    }

    /**
     * Agents and queues beyond queues.yml: missed offers in a row before an agent is set not-ready and for how long;
     * whether a registering phone logs its agent in; where callbacks are dialled ({@code callbackRoute}, a SIP URI
     * with {number}, e.g. {@code sip:{number}@trunk.example.com}; empty: callbacks off), how often and how far apart;
     * a URL alerts are POSTed to as JSON (empty: none).
     */
    public record Acd(int missedOffers, int notReadyMinutes, boolean loginOnRegister, String callbackRoute, int callbackAttempts,
                      int callbackRetrySeconds, String alertWebhook) {
        public static final Acd DEFAULT = new Acd(3, 5, true, "", 3, 60, "");
    }

    /**
     * SIP and RTP. {@code host} is advertised in Via, Contact and SDP ({@code auto}: this machine's first non-loopback
     * IPv4 address); {@code bindHost} is where the sockets listen ({@code 0.0.0.0}: every address). SIP over TLS
     * listens on {@code tlsPort} (0: off) with the PEM certificate and key {@code tlsCert}/{@code tlsKey}; both empty:
     * a self-signed pair generated on first start beside the data directory. {@code srtp} ({@code optional} or
     * {@code mandatory}): whether a call over TLS may use plain RTP.
     */
    public record Sip(String host, int port, int rtpPortMin, int rtpPortMax, String realm, int ringTimeoutSeconds,
                      int rtpTimeoutSeconds, int maxCallMinutes, Guard guard, String bindHost, java.util.List<String> trusted,
                      int tlsPort, String tlsCert, String tlsKey, String srtp, int drainSeconds) {
        public static final Sip DEFAULT = new Sip("auto", 5060, 20000, 30000, "foresight", 20, 60, 240, Guard.DEFAULT, "0.0.0.0", java.util.List.of(),
                5061, "", "", "optional", 30);

        /** Drain at most 30 s on SIGTERM. */
        public Sip(String host, int port, int rtpPortMin, int rtpPortMax, String realm, int ringTimeoutSeconds, int rtpTimeoutSeconds,
                   int maxCallMinutes, Guard guard, String bindHost, java.util.List<String> trusted, int tlsPort, String tlsCert, String tlsKey,
                   String srtp) {
            this(host, port, rtpPortMin, rtpPortMax, realm, ringTimeoutSeconds, rtpTimeoutSeconds, maxCallMinutes, guard, bindHost, trusted,
                    tlsPort, tlsCert, tlsKey, srtp, 30);
        }

        /** SRTP optional. */
        public Sip(String host, int port, int rtpPortMin, int rtpPortMax, String realm, int ringTimeoutSeconds, int rtpTimeoutSeconds,
                   int maxCallMinutes, Guard guard, String bindHost, java.util.List<String> trusted, int tlsPort, String tlsCert, String tlsKey) {
            this(host, port, rtpPortMin, rtpPortMax, realm, ringTimeoutSeconds, rtpTimeoutSeconds, maxCallMinutes, guard, bindHost, trusted,
                    tlsPort, tlsCert, tlsKey, "optional");
        }

        /** No TLS. */
        public Sip(String host, int port, int rtpPortMin, int rtpPortMax, String realm, int ringTimeoutSeconds,
                   int rtpTimeoutSeconds, int maxCallMinutes, Guard guard, String bindHost, java.util.List<String> trusted) {
            this(host, port, rtpPortMin, rtpPortMax, realm, ringTimeoutSeconds, rtpTimeoutSeconds, maxCallMinutes, guard, bindHost, trusted, 0, "", "");
        }

        public Sip {
            trusted = trusted == null ? java.util.List.of() : java.util.List.copyOf(trusted);
        }

        /** No trusted peers. */
        public Sip(String host, int port, int rtpPortMin, int rtpPortMax, String realm, int ringTimeoutSeconds,
                   int rtpTimeoutSeconds, int maxCallMinutes, Guard guard, String bindHost) {
            this(host, port, rtpPortMin, rtpPortMax, realm, ringTimeoutSeconds, rtpTimeoutSeconds, maxCallMinutes, guard, bindHost, java.util.List.of(), 0, "", "");
        }

        /** Listening on every address. */
        public Sip(String host, int port, int rtpPortMin, int rtpPortMax, String realm, int ringTimeoutSeconds,
                   int rtpTimeoutSeconds, int maxCallMinutes, Guard guard) {
            this(host, port, rtpPortMin, rtpPortMax, realm, ringTimeoutSeconds, rtpTimeoutSeconds, maxCallMinutes, guard, "0.0.0.0", java.util.List.of(), 0, "", "");
        }

        /** The same settings advertising another host. */
        public Sip withHost(String h) {
            return new Sip(h, port, rtpPortMin, rtpPortMax, realm, ringTimeoutSeconds, rtpTimeoutSeconds, maxCallMinutes, guard, bindHost, trusted,
                    tlsPort, tlsCert, tlsKey, srtp);
        }

        /** The same settings with SIP over TLS on {@code port} (0: off) and these PEM files (empty: self-signed). */
        public Sip withTls(int port, String cert, String key) {
            return new Sip(host, this.port, rtpPortMin, rtpPortMax, realm, ringTimeoutSeconds, rtpTimeoutSeconds, maxCallMinutes, guard, bindHost, trusted,
                    port, cert, key, srtp);
        }
    }

    /**
     * Flood guard: requests per second per source address (burst allowed), failed logins before a ban, ban length;
     * new calls per second the node accepts from all sources together, trusted ones included (0: no ceiling).
     */
    public record Guard(double requestsPerSecond, int burst, int maxAuthFailures, int banMinutes, double maxCallsPerSecond) {
        public static final Guard DEFAULT = new Guard(20, 60, 5, 10, 200);

        public Guard(double requestsPerSecond, int burst, int maxAuthFailures, int banMinutes) {
            this(requestsPerSecond, burst, maxAuthFailures, banMinutes, DEFAULT.maxCallsPerSecond);
        }
    }

    /** The web pages and API. */
    public record Http(String host, int port) {
        public static final Http DEFAULT = new Http("0.0.0.0", 8080);
    }

    /** PostgreSQL: {@code url} empty means embedded, with files under {@code embeddedDataDir}. */
    public record Database(String url, String user, String password, String embeddedDataDir, int poolSize) {
        public static final Database DEFAULT = new Database(null, null, null, "data/pg", 10);
    }

    /**
     * The Vosk model folder and how many recognisers may run at once; {@code openRecogniser} hears open questions
     * and transcribes recordings ({@code moonshine} or {@code vosk}; Vosk always keeps the grammars), with the
     * Moonshine size ({@code base} or {@code tiny}), its folder (holding {@code base/}, {@code tiny/} and
     * {@code tokens.txt}) and the Silero VAD model file; the voice prompts are spoken with ({@code festival-slt}:
     * Festival's HTS us-slt voice, falling back to {@code kevin16}, FreeTTS in the JVM, when Festival or the voice is
     * not installed).
     */
    public record Speech(String modelDir, int maxRecognisers, String openRecogniser, String moonshineModel, String moonshineDir, String vadModel,
                         String voice) {
        public static final Speech DEFAULT = new Speech("speech/target/model-unpacked/assets/model-en-us", 8, "moonshine", "base",
                "speech/target/onnx-models/moonshine", "speech/target/onnx-models/silero-vad/silero_vad.onnx", "festival-slt");

        public Speech {
            if (openRecogniser == null || openRecogniser.isBlank()) openRecogniser = "moonshine";
            if (moonshineModel == null || moonshineModel.isBlank()) moonshineModel = "base";
            if (voice == null || voice.isBlank()) voice = "festival-slt";
            if (!openRecogniser.equals("moonshine") && !openRecogniser.equals("vosk"))
                throw new IllegalArgumentException("speech.openRecogniser must be moonshine or vosk, was '" + openRecogniser + "'");
            if (!moonshineModel.equals("base") && !moonshineModel.equals("tiny"))
                throw new IllegalArgumentException("speech.moonshineModel must be base or tiny, was '" + moonshineModel + "'");
        }

        /** The Vosk folder and recogniser count, with the default open recogniser, model files and voice. */
        public Speech(String modelDir, int maxRecognisers) {
            this(modelDir, maxRecognisers, DEFAULT_OPEN, "base", "speech/target/onnx-models/moonshine", "speech/target/onnx-models/silero-vad/silero_vad.onnx",
                    "festival-slt");
        }

        /** As above with the voice prompts are spoken with. */
        public Speech(String modelDir, int maxRecognisers, String voice) {
            this(modelDir, maxRecognisers, DEFAULT_OPEN, "base", "speech/target/onnx-models/moonshine", "speech/target/onnx-models/silero-vad/silero_vad.onnx",
                    voice);
        }

        private static final String DEFAULT_OPEN = "moonshine";
    }

    /**
     * The operator folder (flows, queues, reasons), the flow inbound calls start in, how often to look for edits.
     *
     * @param requireTests a version goes live only if its flow tests (tests/*.yml) pass
     * @param trunksFile   the outbound trunks file, relative to {@code dir} or absolute (missing file: no trunks)
     */
    public record Operator(String dir, String entryFlow, int reloadIntervalMillis, boolean requireTests, String trunksFile) {
        public static final Operator DEFAULT = new Operator("examples/hotline", "hotline", 1000, false, "trunks.yml");

        public Operator {
            if (trunksFile == null || trunksFile.isBlank()) trunksFile = "trunks.yml";
        }

        public Operator(String dir, String entryFlow, int reloadIntervalMillis, boolean requireTests) {
            this(dir, entryFlow, reloadIntervalMillis, requireTests, "trunks.yml");
        }

        public Operator(String dir, String entryFlow, int reloadIntervalMillis) { this(dir, entryFlow, reloadIntervalMillis, false); }

        /** The trunks file: {@code trunksFile} as given when absolute, else inside the operator folder. */
        public java.nio.file.Path trunksPath() { return java.nio.file.Path.of(dir).resolve(trunksFile); }
    }

    /** Where recordings go, whether the original audio is kept beside its redacted copy, and for how many days (0: forever). */
    /**
     * {@code storage}: {@code local} keeps recordings in {@code dir}; {@code s3} uploads each one, once transcribed
     * and redacted, to an S3-compatible bucket ({@code s3Endpoint} empty = AWS; path-style addressing) and removes
     * the local copy.
     */
    public record Recording(String dir, boolean keepUnredacted, int retentionDays, String storage, String s3Endpoint, String s3Region,
                            String s3Bucket, String s3Prefix, String s3AccessKey, String s3SecretKey) {
        public static final Recording DEFAULT = new Recording("data/recordings", false, 0);

        public Recording(String dir, boolean keepUnredacted, int retentionDays) {
            this(dir, keepUnredacted, retentionDays, "local", "", "us-east-1", "", "recordings", "", "");
        }
    }

    /** Post-call transcription workers. */
    public record Transcription(boolean enabled, int pollIntervalMillis, int maxAttempts, int workers, int leaseSeconds) {
        public static final Transcription DEFAULT = new Transcription(true, 1000, 3, 1, 30);

        /**
         * {@code workers}: transcription threads on this node (low priority; each yields to live calls).
         * {@code leaseSeconds}: how long a job stays with a worker that stopped renewing it (renewed every third of it).
         */
        public Transcription {
            if (workers < 1 || workers > 64) throw new IllegalArgumentException("transcription.workers must be 1..64, was " + workers);
            if (leaseSeconds < 1) throw new IllegalArgumentException("transcription.leaseSeconds must be >= 1, was " + leaseSeconds);
        }

        /** One worker thread. */
        public Transcription(boolean enabled, int pollIntervalMillis, int maxAttempts) { this(enabled, pollIntervalMillis, maxAttempts, 1, 30); }

        public Transcription(boolean enabled, int pollIntervalMillis, int maxAttempts, int workers) { this(enabled, pollIntervalMillis, maxAttempts, workers, 30); }
    }

    /** The learned issue predictor: retrained every {@code retrainMinutes} once {@code minExamples} labelled calls exist. */
    public record Prediction(int retrainMinutes, int minExamples) {
        public static final Prediction DEFAULT = new Prediction(60, 50);
    }

    /** Demo customers, agents and an admin token, inserted once into an empty database. */
    public record Demo(boolean seed) {
        public static final Demo DEFAULT = new Demo(true);
    }

    /**
     * The daily digest of what callers said: built for the previous UTC day at {@code time} (HH:mm, UTC) and sent
     * as JSON to {@code webhook} and as an email through {@code smtpHost} (to every address in {@code smtpTo});
     * off when neither is set. {@code baseUrl} prefixes the links to example calls.
     */
    public record Digest(String time, String webhook, String smtpHost, int smtpPort, String smtpFrom, java.util.List<String> smtpTo,
                         String smtpUser, String smtpPassword, boolean smtpStartTls, String baseUrl) {
        public static final Digest DEFAULT = new Digest("09:00", "", "", 25, "foresight@localhost", java.util.List.of(), "", "", false,
                "http://localhost:8080");

        public Digest {
            // a section read on its own (ConfigLoader checks the file before merging it over the defaults) leaves gaps
            if (time == null) time = "09:00";
            if (webhook == null) webhook = "";
            if (smtpHost == null) smtpHost = "";
            if (smtpPort == 0) smtpPort = 25;
            if (smtpFrom == null || smtpFrom.isBlank()) smtpFrom = "foresight@localhost";
            if (smtpUser == null) smtpUser = "";
            if (smtpPassword == null) smtpPassword = "";
            if (baseUrl == null || baseUrl.isBlank()) baseUrl = "http://localhost:8080";
            smtpTo = smtpTo == null ? java.util.List.of() : java.util.List.copyOf(smtpTo);
            try {
                java.time.LocalTime.parse(time);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("digest.time must be HH:mm (UTC), e.g. 09:00, was '" + time + "'");
            }
            if (smtpPort < 1 || smtpPort > 65535) throw new IllegalArgumentException("digest.smtpPort must be 1..65535, was " + smtpPort);
        }

        /** Whether anything is to be delivered. */
        public boolean enabled() { return !webhook.isBlank() || !smtpHost.isBlank(); }
    }

    public static final ForesightConfig DEFAULT = new ForesightConfig(Sip.DEFAULT, Http.DEFAULT, Database.DEFAULT,
            Speech.DEFAULT, Operator.DEFAULT, Recording.DEFAULT, Transcription.DEFAULT, Demo.DEFAULT, Prediction.DEFAULT, Acd.DEFAULT,
            Digest.DEFAULT, Cluster.DEFAULT);

    /**
     * Several nodes sharing queues through PostgreSQL (docs/DEPLOY.md): off on a single node. {@code nodeId} names this
     * node (unique in the cluster, required when enabled); a heartbeat every {@code heartbeatMillis}; a node silent for
     * {@code deadAfterMillis} is declared dead and its callers and agent reservations are reclaimed; lines are looked at
     * again every {@code pollMillis} even without a notification.
     */
    public record Cluster(boolean enabled, String nodeId, int heartbeatMillis, int deadAfterMillis, int pollMillis) {
        public static final Cluster DEFAULT = new Cluster(false, "", 1000, 5000, 5000);

        public Cluster {
            if (nodeId == null) nodeId = "";
            if (heartbeatMillis == 0) heartbeatMillis = DEFAULT.heartbeatMillis;
            if (deadAfterMillis == 0) deadAfterMillis = DEFAULT.deadAfterMillis;
            if (pollMillis == 0) pollMillis = DEFAULT.pollMillis;
        }

        /** The contact center's view of these settings; checks them (IllegalArgumentException names the key). */
        public foresight.acd.cluster.ClusterConfig asAcdConfig() {
            return new foresight.acd.cluster.ClusterConfig(enabled, nodeId, java.time.Duration.ofMillis(heartbeatMillis),
                    java.time.Duration.ofMillis(deadAfterMillis), java.time.Duration.ofMillis(pollMillis));
        }
    }
}
