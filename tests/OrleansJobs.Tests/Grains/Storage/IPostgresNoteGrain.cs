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

/// <summary>State on the stock ADO.NET provider ("adonet"), with the calls a storage test needs.</summary>
public interface IPostgresNoteGrain : IGrainWithStringKey
{
    Task Save(string text);
    Task<string?> Load();
    Task<string?> InMemory();
    Task Clear();
    Task<Guid> ActivationId();
    Task Deactivate();
}
