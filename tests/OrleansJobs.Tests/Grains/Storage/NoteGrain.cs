using Orleans;
using Orleans.Runtime;
using OrleansJobs.Jobs;

namespace OrleansJobs.Tests.Grains.Storage;

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
