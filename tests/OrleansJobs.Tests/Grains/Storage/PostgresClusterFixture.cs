using System.Data;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Storage;
using OrleansJobs.Storage;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Grains.Storage;

/// <summary>Two silos and a client on a fresh database of their own; see <see cref="PostgresSchemaClusterTests"/>.</summary>
public sealed class PostgresClusterFixture : IAsyncLifetime
{
    private const string Invariant = "Npgsql";
    private readonly PostgresFixture _database = new();
    private readonly List<IHost> _silos = [];
    private IHost? _client;

    public string ClusterId { get; } = $"pg-cluster-{Guid.NewGuid():N}";
    public string ServiceId { get; } = $"pg-service-{Guid.NewGuid():N}";
    public List<int> SiloPorts { get; } = [];
    public IClusterClient Client => _client!.Services.GetRequiredService<IClusterClient>();

    public async ValueTask InitializeAsync()
    {
        await _database.InitializeAsync();
        await PostgresSchema.ApplyAsync(_database.ConnectionString, TestContext.Current.CancellationToken);

        // Started together, so both race to create the cluster's version row and to join.
        _silos.AddRange(await Task.WhenAll(StartSiloAsync(), StartSiloAsync()));

        var client = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        client.UseOrleansClient(orleans =>
        {
            orleans.Configure<ClusterOptions>(options => (options.ClusterId, options.ServiceId) = (ClusterId, ServiceId));
            orleans.UseAdoNetClustering(options => (options.Invariant, options.ConnectionString) = (Invariant, _database.ConnectionString));
        });
        _client = client.Build();
        await _client.StartAsync();
    }

    private async Task<IHost> StartSiloAsync()
    {
        var siloPort = FreeTcpPort.Next();
        lock (SiloPorts)
        {
            SiloPorts.Add(siloPort);
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(options => (options.ClusterId, options.ServiceId) = (ClusterId, ServiceId));
            silo.ConfigureEndpoints(IPAddress.Loopback, siloPort, FreeTcpPort.Next());
            silo.UseAdoNetClustering(options => (options.Invariant, options.ConnectionString) = (Invariant, _database.ConnectionString));
            silo.UseAdoNetReminderService(options => (options.Invariant, options.ConnectionString) = (Invariant, _database.ConnectionString));
            silo.AddAdoNetGrainStorage("adonet", options =>
            {
                options.Invariant = Invariant;
                options.ConnectionString = _database.ConnectionString;
                options.DeleteStateOnClear = true;
            });
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>The Version of the one storage row whose payload mentions <paramref name="text"/>, or null without one.</summary>
    public async Task<int?> StorageVersionAsync(string text)
    {
        var rows = await RowsAsync("SELECT Version FROM OrleansStorage WHERE convert_from(PayloadBinary, 'UTF8') LIKE @pattern", ("pattern", $"%{text}%"));
        return (int?)rows.SingleOrDefault()?[0];
    }

    public async Task<List<object?[]>> RowsAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var rows = new List<object?[]>();
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.StopAsync();
            _client.Dispose();
        }

        await Task.WhenAll(_silos.Select(silo => silo.StopAsync()));
        foreach (var silo in _silos)
        {
            silo.Dispose();
        }

        await _database.DisposeAsync();
    }
}
