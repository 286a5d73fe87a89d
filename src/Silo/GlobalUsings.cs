global using OrleansJobs;
