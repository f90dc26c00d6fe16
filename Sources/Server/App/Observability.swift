import Metrics
import Prometheus

/// The process-wide Prometheus registry behind `GET /metrics`. swift-metrics allows one bootstrap
/// per process, so it happens here, once, the first time the registry is asked for.
public enum Observability {
    public static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()
}
