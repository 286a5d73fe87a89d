using OrleansJobs.Server.Hosting;

namespace OrleansJobs.Silo;

/// <summary>Builds the one process of OrleansJobs: the Orleans silo, the HTTP API, the dashboard and the health endpoints.</summary>
public static class SiloApp
{
    /// <summary>
    /// Builds the silo host from <paramref name="args"/>: the library's <c>AddOrleansJobs</c> and <c>MapOrleansJobs</c>
    /// with the settings shipped beside the service. <paramref name="services"/> adds to its services, such as job
    /// types of a host's own (<c>services.AddJobHandler&lt;T&gt;("type")</c>) beside the built-in ones.
    /// </summary>
    public static Task<WebApplication> BuildAsync(string[] args, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddShippedSettings();
        builder.AddOrleansJobs();
        services?.Invoke(builder.Services);

        var app = builder.Build();
        app.MapOrleansJobs();
        return Task.FromResult(app);
    }

    /// <summary>
    /// Applies the schema of the configured mode and returns: the <c>migrate</c> command, for operators who create the
    /// schema before they deploy (and then start silos with <c>OrleansJobs:ApplySchemaOnStart=false</c>).
    /// </summary>
    public static async Task<string> MigrateAsync(string[] args, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddShippedSettings();
        var database = JobDatabase.From(builder.Configuration, builder.ReadJobServiceSettings(), builder.Environment.ContentRootPath);
        await database.ApplySchemaAsync(cancellationToken);
        return database.SqlitePath is { } path
            ? $"SQLite schema is up to date ({path})."
            : $"PostgreSQL schema is up to date (database {new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString).Database}).";
    }

    /// <summary>GETs /health/ready from the silo configured by <paramref name="args"/> (its first <c>--urls</c> entry) on loopback.</summary>
    public static async Task<bool> CheckReadyAsync(string[] args)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables("ASPNETCORE_").AddCommandLine(args).Build();
        var url = (configuration["urls"] ?? "http://localhost:5000").Split(';')[0];
        var uri = new UriBuilder(LoopbackUrl.Of(url)) { Path = "/health/ready" }.Uri;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await http.GetAsync(uri);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }
}
