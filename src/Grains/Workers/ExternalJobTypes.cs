using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using OrleansJobs.Handlers;

namespace OrleansJobs.Workers;

/// <summary>
/// The job types this silo leaves to external workers: their jobs wait Queued and are leased over HTTP rather than run
/// by a handler here. Two sources: configuration (<see cref="WorkerOptions.Types"/>, fixed once the host is built) and
/// the cluster's run-time declarations (<see cref="IExternalJobTypesGrain"/>), of which this silo keeps a copy that
/// <see cref="ExternalJobTypesRefresh"/> renews every couple of seconds, and a change made through this silo at once.
/// </summary>
public sealed class ExternalJobTypes
{
    private readonly ImmutableSortedSet<string> _configured;
    private volatile ImmutableSortedSet<string> _declared = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);

    public ExternalJobTypes(IOptions<WorkerOptions> options, JobHandlerRegistry handlers)
    {
        var configured = ImmutableSortedSet.CreateBuilder<string>(StringComparer.Ordinal);
        foreach (var type in options.Value.Types)
        {
            if (!JobHandlerRegistry.IsValidTypeName(type))
                throw new OptionsValidationException(WorkerOptions.Section, typeof(WorkerOptions),
                    [$"Worker job type '{type}' is invalid: use 1 to {JobHandlerRegistry.MaxTypeLength} lowercase letters, digits, '-', '.' or '_'."]);
            if (handlers.IsKnown(type))
                throw new OptionsValidationException(WorkerOptions.Section, typeof(WorkerOptions),
                    [$"Job type '{type}' has a handler in this silo and cannot be an external worker type too."]);
            configured.Add(type);
        }
        _configured = configured.ToImmutable();
    }

    /// <summary>Every external type, configured or declared, in ordinal order.</summary>
    public IReadOnlyCollection<string> Types => _configured.Union(_declared);

    /// <summary>The types configuration makes external on this silo; published in its grain manifest.</summary>
    public IReadOnlyCollection<string> Configured => _configured;

    /// <summary>The types declared external at run time, as this silo last saw them.</summary>
    public IReadOnlyCollection<string> Declared => _declared;

    public bool Contains(string type) => _configured.Contains(type) || _declared.Contains(type);

    public bool IsConfigured(string type) => _configured.Contains(type);

    /// <summary>The cluster's run-time declarations, as just read from <see cref="IExternalJobTypesGrain"/>.</summary>
    public void Load(IEnumerable<string> declared)
    {
        var next = declared.ToImmutableSortedSet(StringComparer.Ordinal);
        // The same set stays the same object, so that what is built from it (JobTypeCatalog) is not built again.
        if (!next.SetEquals(_declared)) _declared = next;
    }

    /// <summary>This silo changed a declaration: use it at once rather than at the next refresh.</summary>
    public void Changed(string type, bool external) => _declared = external ? _declared.Add(type) : _declared.Remove(type);
}
