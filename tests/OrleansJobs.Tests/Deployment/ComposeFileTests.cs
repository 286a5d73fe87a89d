using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Deployment;

/// <summary>
/// docker-compose.yml, checked by Docker Compose itself (<c>docker-compose config</c> parses, validates and normalizes
/// it without an engine). ClusterProcessTests runs the same topology — PostgreSQL and several silos on distinct
/// ports — as processes.
/// </summary>
[Trait("Kind", "Process")]
public sealed class ComposeFileTests
{
    private const string AdminKeyHash = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static async Task<string> ComposeAsync(params string[] args)
    {
        var (exitCode, output, error) = await RunComposeAsync(AdminKeyHash, args);
        Assert.True(exitCode == 0, $"docker-compose {string.Join(' ', args)} failed ({exitCode}):\n{error}");
        return output;
    }

    private static Task<(int ExitCode, string Output, string Error)> RunComposeAsync(string? adminKeyHash, params string[] args) =>
        Tools.RunAsync("docker-compose", Tools.RepositoryRoot, ["-f", "docker-compose.yml", .. args],
            "this test needs docker-compose (Debian package docker-compose); scripts/test.sh installs it.", TimeSpan.FromMinutes(2),
            new Dictionary<string, string?> { ["ORLEANSJOBS_ADMIN_KEY_SHA256"] = adminKeyHash });

    [Fact]
    public async Task Silos_require_an_admin_key_and_compose_says_so_when_it_is_missing()
    {
        var (exitCode, _, error) = await RunComposeAsync(null, "config");
        Assert.NotEqual(0, exitCode);
        Assert.Contains("ORLEANSJOBS_ADMIN_KEY_SHA256", error);

        var config = await ComposeAsync("config");
        Assert.Equal(2, Count(config, $"OrleansJobs__Auth__Keys__admin__Sha256: {AdminKeyHash}"));
        Assert.Equal(2, Count(config, "OrleansJobs__Auth__Keys__admin__Scopes: admin"));
    }

    [Fact]
    public async Task The_compose_file_is_valid_and_declares_postgres_two_silos_and_their_monitoring()
    {
        var services = (await ComposeAsync("config", "--services")).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(["grafana", "jaeger", "postgres", "prometheus", "silo1", "silo2"], services.Order());
        Assert.Contains("postgres-data", await ComposeAsync("config", "--volumes"));
    }

    [Fact]
    public async Task Silos_wait_for_a_healthy_database_and_use_distinct_ports()
    {
        var config = await ComposeAsync("config");

        Assert.Contains("pg_isready", config);
        Assert.Equal(2, Count(config, "condition: service_healthy"));
        Assert.Equal(2, Count(config, "ConnectionStrings__OrleansJobs: Host=postgres;"));
        foreach (var expected in new[] { "OrleansJobs__SiloPort: '11111'", "OrleansJobs__SiloPort: '11112'", "OrleansJobs__GatewayPort: '30000'",
                     "OrleansJobs__GatewayPort: '30001'", "OrleansJobs__AdvertisedHost: silo1", "OrleansJobs__AdvertisedHost: silo2",
                     "published: 5001", "published: 5002", "dockerfile: src/Silo/Dockerfile", "/var/lib/postgresql/data" })
            Assert.Contains(expected, config);
        // One dashboard for the cluster, on silo 1: the other silo saves its memory.
        Assert.Equal(1, Count(config, "OrleansJobs__Dashboard: \"false\""));
    }

    [Fact]
    public void The_silo_image_builds_the_silo_project_and_has_a_health_check()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Tools.RepositoryRoot, "src", "Silo", "Dockerfile"));
        Assert.Contains("dotnet publish src/Silo/OrleansJobs.Silo.csproj", dockerfile);
        Assert.Contains("HEALTHCHECK", dockerfile);
        // A container warms itself up before it reports ready, and its health check gives it the time to.
        Assert.Contains("ENV OrleansJobs__WarmUp__Jobs=1000", dockerfile);
        Assert.Contains("--start-period=90s", dockerfile);
        Assert.Contains("ENTRYPOINT [\"dotnet\", \"OrleansJobs.Silo.dll\"]", dockerfile);
    }

    [Fact]
    public async Task Prometheus_scrapes_every_silo_and_grafana_loads_the_dashboard_from_it()
    {
        var config = await ComposeAsync("config");
        Assert.Contains("deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro", config);
        Assert.Contains("deploy/grafana/provisioning:/etc/grafana/provisioning:ro", config);
        Assert.Contains("deploy/grafana/dashboards:/var/lib/grafana/dashboards:ro", config);
        Assert.Equal(2, Count(config, "OTEL_EXPORTER_OTLP_ENDPOINT: http://jaeger:4317"));

        // Each silo listens on 8080 inside its container: that is what Prometheus must scrape, by service name.
        var scrape = File.ReadAllText(Path.Combine(Tools.RepositoryRoot, "deploy", "prometheus", "prometheus.yml"));
        Assert.Equal(2, Count(config, "ASPNETCORE_URLS: http://+:8080"));
        Assert.Contains("metrics_path: /metrics", scrape);
        Assert.Contains("targets: [\"silo1:8080\", \"silo2:8080\"]", scrape);

        // The dashboard reads the data source that provisioning declares.
        var datasource = File.ReadAllText(Path.Combine(Tools.RepositoryRoot, "deploy", "grafana", "provisioning", "datasources", "prometheus.yml"));
        Assert.Contains("uid: prometheus", datasource);
        Assert.Contains("url: http://prometheus:9090", datasource);
        using var dashboard = System.Text.Json.JsonDocument.Parse(File.ReadAllText(GrafanaDashboard.Path));
        var panels = dashboard.RootElement.GetProperty("panels").EnumerateArray().Where(p => p.GetProperty("type").GetString() != "row").ToList();
        Assert.NotEmpty(panels);
        Assert.All(panels, panel => Assert.Equal("prometheus", panel.GetProperty("datasource").GetProperty("uid").GetString()));
    }

    private static int Count(string text, string value) => (text.Length - text.Replace(value, "", StringComparison.Ordinal).Length) / value.Length;
}
