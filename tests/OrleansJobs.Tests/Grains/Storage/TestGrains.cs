using Orleans;
using Orleans.Runtime;
using OrleansJobs.Jobs;

namespace OrleansJobs.Tests.Grains.Storage;

[GenerateSerializer]
public sealed class Note
{
    [Id(0)] public string Text { get; set; } = "";
}

public interface IReminderProbeGrain : IGrainWithStringKey
{
    Task Register(string name);
    Task<string[]> List();
    Task<bool> Has(string name);
    Task Unregister(string name);
}

public sealed class ReminderProbeGrain : Grain, IReminderProbeGrain, IRemindable
{
    public Task Register(string name) => this.RegisterOrUpdateReminder(name, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10));

    public async Task<string[]> List() => [.. (await this.GetReminders()).Select(reminder => reminder.ReminderName)];

    public async Task<bool> Has(string name) => await this.GetReminder(name) is not null;

    public async Task Unregister(string name) => await this.UnregisterReminder((await this.GetReminder(name))!);

    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;
}

/// <summary>State on the stock ADO.NET provider, registered as "adonet" in the test silo.</summary>
public interface INoteGrain : IGrainWithStringKey
{
    Task Save(string text);
    Task<string?> Load();
    Task Clear();
}

public sealed class NoteGrain([PersistentState("note", "adonet")] IPersistentState<Note> note) : Grain, INoteGrain
{
    public Task Save(string text)
    {
        note.State.Text = text;
        return note.WriteStateAsync();
    }

    public async Task<string?> Load()
    {
        await note.ReadStateAsync();
        return note.RecordExists ? note.State.Text : null;
    }

    public Task Clear() => note.ClearStateAsync();
}

/// <summary>A job's state on the job storage provider ("jobs"), as the job grain will hold it.</summary>
public interface IJobStateProbeGrain : IGrainWithStringKey
{
    Task<string?> Save(JobState state);
}

public sealed class JobStateProbeGrain([PersistentState("job", "jobs")] IPersistentState<JobState> job) : Grain, IJobStateProbeGrain
{
    public async Task<string?> Save(JobState state)
    {
        job.State = state;
        await job.WriteStateAsync();
        return job.Etag;
    }
}
