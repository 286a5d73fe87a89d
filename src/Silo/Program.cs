using OrleansJobs.Silo;

// `migrate` applies the database schema of the configured mode and exits; anything else runs the service.
if (args is ["migrate", ..])
{
    Console.WriteLine(await SiloApp.MigrateAsync(args[1..], CancellationToken.None));
    return 0;
}

// `keys add <name> --scopes …`, `keys list`, `keys revoke <name>` manage the API keys kept in the job database.
if (args is ["keys", ..])
{
    return await KeysCommand.RunAsync(args[1..], Console.Out, CancellationToken.None);
}

// `healthcheck` asks this machine's running silo whether it is ready (for container health checks: the runtime
// image has no curl) and exits 0 when it is.
if (args is ["healthcheck", ..])
{
    return await SiloApp.CheckReadyAsync(args[1..]) ? 0 : 1;
}

var app = await SiloApp.BuildAsync(args);
await app.RunAsync();
return 0;
