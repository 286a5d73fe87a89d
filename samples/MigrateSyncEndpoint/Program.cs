using MigrateSyncEndpoint;

// `dotnet run -- load [--clients N] [--seconds S]` measures both endpoints under the same load; anything else runs the app.
if (args.Length > 0 && args[0] == "load")
{
    return await LoadCommand.RunAsync(args[1..]);
}
await SampleApp.Build(args).RunAsync();
return 0;
