using OrleansJobs.Server.Auth;
using OrleansJobs.Server.Hosting;

namespace OrleansJobs.Silo;

/// <summary>
/// The <c>keys</c> command: <c>keys add &lt;name&gt; --scopes submit,read</c> (prints the new secret, once),
/// <c>keys list</c> and <c>keys revoke &lt;name&gt;</c>, on the job database of the configured mode, so that every silo
/// of the cluster picks the change up within <c>OrleansJobs:Auth:RefreshSeconds</c>.
/// </summary>
public static class KeysCommand
{
    private const string Usage = "usage: keys add <name> --scopes <submit,read,manage,worker,admin> | keys list | keys revoke <name> [settings such as --ConnectionStrings:OrleansJobs=...]";

    /// <summary>Runs the command with <paramref name="args"/> (after <c>keys</c>), writing to <paramref name="output"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        var (verb, name, scopes, settings) = Parse(args);
        if (verb is null || (verb is "add" or "revoke" && name is null) || (verb == "add" && scopes is null))
        {
            await output.WriteLineAsync(Usage);
            return 2;
        }
        var builder = WebApplication.CreateBuilder(settings);
        builder.AddShippedSettings();
        var database = JobDatabase.From(builder.Configuration, builder.ReadJobServiceSettings(), builder.Environment.ContentRootPath);
        await database.ApplySchemaAsync(cancellationToken);
        var table = new ApiKeyTable(database);
        switch (verb)
        {
            case "add":
                var secret = await table.AddAsync(name!, ApiKey.ParseScopes([scopes]), cancellationToken);
                if (secret is null)
                {
                    await output.WriteLineAsync($"A key named '{name}' exists already; revoke it first.");
                    return 1;
                }
                await output.WriteLineAsync($"Key '{name}' added ({scopes}). Its secret, shown only now:");
                await output.WriteLineAsync(secret);
                return 0;
            case "list":
                foreach (var key in await table.ListAsync(cancellationToken))
                    await output.WriteLineAsync($"{key.Name}\t{string.Join(',', key.Scopes)}");
                return 0;
            case "revoke":
                var revoked = await table.RevokeAsync(name!, cancellationToken);
                await output.WriteLineAsync(revoked ? $"Key '{name}' revoked." : $"No key is named '{name}'.");
                return revoked ? 0 : 1;
            default:
                await output.WriteLineAsync(Usage);
                return 2;
        }
    }

    private static (string? Verb, string? Name, string? Scopes, string[] Settings) Parse(string[] args)
    {
        string? verb = null, name = null, scopes = null;
        var settings = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg == "--scopes" && i + 1 < args.Length) scopes = args[++i];
            else if (arg.StartsWith("--scopes=", StringComparison.Ordinal)) scopes = arg["--scopes=".Length..];
            else if (arg.StartsWith("--", StringComparison.Ordinal)) settings.Add(arg);
            else if (verb is null) verb = arg;
            else if (name is null) name = arg;
            else settings.Add(arg);
        }
        if (name is { Length: > 100 }) name = null;
        return (verb, name, scopes, [.. settings]);
    }
}
