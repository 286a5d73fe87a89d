using OrleansJobs.Silo;

var app = await SiloApp.BuildAsync(args);
await app.RunAsync();
