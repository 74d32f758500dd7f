package mqttconf.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The mosquitto.conf keys the broker does not implement, each with what it does instead, so that a real
 * mosquitto.conf can be reused with {@code broker -c}: such a key is warned about once and ignored. A key
 * mosquitto does not know either stays an error. Keys are as mosquitto spells them, {@code _} for {@code -}.
 */
public final class MosquittoKeys {
    private static final String MEMORY = "everything is kept in memory and ends with the process";
    private static final String LOGS = "the log goes to stdout; --verbose logs every packet";
    private static final String ANYONE = "no access control lists: every client may publish and subscribe to every topic";
    private static final String NO_BRIDGE = "no bridges: messages stay on this broker";
    private static final String TLS = "TLS is what the JDK offers by default: TLS 1.2 and 1.3, its cipher suites";
    private static final String NO_LIMIT = "no such limit; see --max-packet-size, --max-queued-messages, --max-output-bytes";

    private static final Map<String, String> INSTEAD = new LinkedHashMap<>();

    static {
        group(MEMORY, "persistence", "persistence_file", "persistence_location", "autosave_interval",
                "autosave_on_changes", "persistent_client_expiration");
        group(LOGS, "log_dest", "log_facility", "log_timestamp", "log_timestamp_format", "log_type",
                "connection_messages", "websockets_log_level");
        group(ANYONE, "acl_file", "auth_plugin_deny_special_chars", "check_retain_source");
        group("no plugins: --password-file and --allow-anonymous are the only checks", "plugin", "auth_plugin",
                "plugin_opt", "global_plugin", "psk_file", "psk_hint");
        group(TLS, "capath", "ciphers", "ciphers_tls1.3", "crlfile", "dhparamfile", "tls_engine",
                "tls_engine_kpass_sha1", "tls_keyform", "tls_version");
        group("client certificates are checked (require_certificate) but never name the user",
                "use_identity_as_username", "use_subject_as_username", "use_username_as_clientid");
        group(NO_LIMIT, "max_inflight_bytes", "max_inflight_messages", "max_queued_bytes", "memory_limit",
                "message_size_limit", "max_keepalive", "websockets_headers_size");
        group("MQTT 3.1.1 only, every listener alike", "accept_protocol_versions", "per_listener_settings",
                "mount_point", "socket_domain", "bind_interface", "http_dir");
        group("the process runs as whoever starts it, in the foreground", "user", "pid_file", "include_dir");
        group("no $SYS statistics (only $SYS/mqttconf/report)", "sys_interval");
        group("assigned client ids start with the broker's own prefix", "auto_id_prefix", "clientid_prefixes");
        group("retained messages are always available", "retain_available");
        group("delivery follows MQTT 3.1.1: duplicates allowed only where the standard allows them",
                "allow_duplicate_messages", "upgrade_outgoing_qos");
        group("TCP_NODELAY is always on", "set_tcp_nodelay");
        group(NO_BRIDGE, "connection", "address", "addresses", "bridge_attempt_unsubscribe", "bridge_bind_address",
                "bridge_cafile", "bridge_capath", "bridge_certfile", "bridge_keyfile", "bridge_identity",
                "bridge_insecure", "bridge_max_packet_size", "bridge_outgoing_retain", "bridge_protocol_version",
                "bridge_psk", "bridge_require_ocsp", "bridge_alpn", "bridge_tls_version", "cleansession",
                "idle_timeout", "keepalive_interval", "local_cleansession", "local_clientid", "local_password",
                "local_username", "notifications", "notifications_local_only", "notification_topic",
                "remote_clientid", "remote_password", "remote_username", "restart_timeout", "round_robin",
                "start_type", "threshold", "topic", "try_private");
    }

    private MosquittoKeys() {
    }

    private static void group(String instead, String... keys) {
        for (String k : keys) INSTEAD.put(k, instead);
    }

    /** What the broker does instead of mosquitto's {@code key} ({@code -} and {@code _} alike), if it is one. */
    public static Optional<String> instead(String key) {
        String k = key.replace('-', '_');
        if (k.startsWith("plugin_opt_")) k = "plugin_opt";
        return Optional.ofNullable(INSTEAD.get(k));
    }

    /** Every key, in table order. */
    public static List<String> keys() {
        return List.copyOf(INSTEAD.keySet());
    }
}
