using OrleansJobs.Bench.MemorySilo;
using OrleansJobs.Server.Hosting;
using OrleansJobs.Silo;

// The real silo (SiloApp: AddOrleansJobs, MapOrleansJobs, the shipped settings) with its job table in memory, for the
// benchmark's "durability tax" (issue 23): the same W1 burst on this silo and on one with the PostgreSQL store tells
// what keeping jobs durably costs. Bench only: a restart loses every job.
//
// In memory: the job table alone (MemoryJobStore): every job's state, its version, and what listing, the sweeper, the
// queues, the counts and retention ask of it. Everything on a job's path from submit to completion is then in memory.
// Not in memory: what the embedded default keeps in its SQLite file (OrleansJobs:DataDirectory; the benchmark gives a
// fresh temporary one): Orleans' reminders, the default grain storage (queues, schedules, batches, callbacks) and the
// stream pub/sub's, and the API keys. None of those is written for a plain job. Membership is the embedded mode's
// localhost clustering, in memory as always. A connection string (clustered mode) is refused: silos that each hold
// their own job table cannot form a cluster.
var app = await SiloApp.BuildAsync(args, services => services.AddMemoryJobStore());
if (app.Services.GetRequiredService<JobDatabase>().IsPostgres)
{
    Console.Error.WriteLine("The in-memory silo runs in the embedded mode only: unset ConnectionStrings:OrleansJobs.");
    return 2;
}

await app.RunAsync();
return 0;
