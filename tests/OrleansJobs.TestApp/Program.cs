using OrleansJobs.Client;
using OrleansJobs.TestApp;

// An application of a user's with OrleansJobs in it. Settings (command line or environment):
//   TestApp:Handlers  which of the app's job types this process serves, comma-separated (default: greet,shout)
//   TestApp:Prefix    where the job service is mapped (default: none)
//   TestApp:Join      true: the app is an Orleans silo of its own (localhost clustering, memory storage and
//                     reminders, on OrleansJobs:SiloPort and :GatewayPort) before it adds the jobs
var builder = WebApplication.CreateBuilder(args);
if (builder.Configuration.GetValue<bool>("TestApp:Join"))
{
    builder.UseOrleans(silo => silo
        .UseLocalhostClustering(
            builder.Configuration.GetValue("OrleansJobs:SiloPort", 11111),
            builder.Configuration.GetValue("OrleansJobs:GatewayPort", 30000),
            serviceId: "testapp", clusterId: "testapp")
        .AddMemoryGrainStorageAsDefault()
        .UseInMemoryReminderService());
}

var jobs = builder.AddOrleansJobs();
var handlers = (builder.Configuration["TestApp:Handlers"] ?? $"{GreetHandler.Type},{ShoutHandler.Type}")
    .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
if (handlers.Contains(GreetHandler.Type)) jobs.AddJobHandler<GreetHandler>(GreetHandler.Type);
if (handlers.Contains(ShoutHandler.Type)) jobs.AddJobHandler<ShoutHandler>(ShoutHandler.Type);

var app = builder.Build();
app.MapGet("/", () => "The test app's own page.");
// Which Orleans silo the jobs run in: the service id of its clustering, and its reminder table.
app.MapGet("/app/silo", (IServiceProvider services) => new
{
    ServiceId = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Orleans.Configuration.ClusterOptions>>().Value.ServiceId,
    ReminderTable = services.GetService<Orleans.IReminderTable>()?.GetType().Name,
});
// The app's own endpoint submitting from code, without HTTP: the job inline when it ends within 2 s, else 202.
app.MapPost("/app/greet/{name}", async (string name, int? steps, IJobClient jobs) =>
{
    try
    {
        return Results.Ok(await jobs.SubmitAndWaitAsync(GreetHandler.Type, new GreetPayload { Name = name, Steps = steps ?? 1 }, TimeSpan.FromSeconds(2)));
    }
    catch (JobWaitTimeoutException slow)
    {
        return Results.Accepted(value: slow.Job);
    }
});
app.MapOrleansJobs(builder.Configuration["TestApp:Prefix"] ?? "");
app.Run();
