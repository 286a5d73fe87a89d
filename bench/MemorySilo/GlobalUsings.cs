global using OrleansJobs.Jobs;
