using System.Data;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Storage;
using OrleansJobs.Storage;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Grains.Storage;

public sealed class PostgresNoteGrain([PersistentState("pgnote", "adonet")] IPersistentState<Note> note) : Grain, IPostgresNoteGrain
{
    private readonly Guid _activationId = Guid.NewGuid();

    public Task Save(string text)
    {
        note.State.Text = text;
        return note.WriteStateAsync();
    }

    public async Task<string?> Load()
    {
        await note.ReadStateAsync();
        return InMemoryText();
    }

    public Task<string?> InMemory() => Task.FromResult(InMemoryText());

    public Task Clear() => note.ClearStateAsync();

    public Task<Guid> ActivationId() => Task.FromResult(_activationId);

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    private string? InMemoryText() => note.RecordExists ? note.State.Text : null;
}
