using System.Diagnostics;
using Npgsql;

namespace OrleansJobs.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL server of one test's own (initdb into a temporary folder, its own loopback port), for tests that
/// stop and start the server: the shared server of <see cref="PostgresFixture"/> serves other tests at the same time.
/// Uses the binaries of the PostgreSQL that scripts/test.sh installs; as root, the server runs as user postgres.
/// </summary>
public sealed class IsolatedPostgres : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _folder;
    private readonly string _data;

    private IsolatedPostgres(string bin, string folder, int port)
    {
        _bin = bin;
        _folder = folder;
        _data = Path.Combine(folder, "data");
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=jobs;Pooling=true";

    public static async Task<IsolatedPostgres> StartAsync()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin")).Where(b => File.Exists(Path.Combine(b, "initdb")))
                .OrderBy(b => b, StringComparer.Ordinal).LastOrDefault()
            : null;
        if (bin is null)
            throw new InvalidOperationException("This test needs PostgreSQL's server binaries (/usr/lib/postgresql/*/bin/initdb). Run scripts/test.sh, which installs them.");

        var folder = Directory.CreateTempSubdirectory("orleansjobs-pg-").FullName;
        var server = new IsolatedPostgres(bin, folder, FreeTcpPort.Next());
        if (Environment.IsPrivilegedProcess) await RunAsync("chown", "postgres", folder);
        await server.PgAsync("initdb", "-D", server._data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8");
        await server.StartServerAsync();
        await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={server.Port};Username=postgres;Database=postgres;Pooling=false");
        await connection.OpenAsync();
        await new NpgsqlCommand("CREATE DATABASE jobs", connection).ExecuteNonQueryAsync();
        return server;
    }

    /// <summary>Starts the server (again) and waits until it accepts connections.</summary>
    public Task StartServerAsync() =>
        PgAsync("pg_ctl", "-D", _data, "-l", Path.Combine(_folder, "log"), "-w", "-t", "60", "start",
            "-o", $"-p {Port} -k {_folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200");

    /// <summary>Stops the server the way an outage would: connections are cut, new ones refused.</summary>
    public Task StopServerAsync() => PgAsync("pg_ctl", "-D", _data, "-w", "-t", "60", "-m", "fast", "stop");

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try { await PgAsync("pg_ctl", "-D", _data, "-w", "-m", "immediate", "stop"); } catch (InvalidOperationException) { }
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    private Task PgAsync(string tool, params string[] args) =>
        Environment.IsPrivilegedProcess
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. args])
            : RunAsync(Path.Combine(_bin, tool), args);

    private static async Task RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}:\n{await output}\n{await error}");
    }
}
