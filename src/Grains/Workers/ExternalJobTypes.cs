using Microsoft.Extensions.Options;
using OrleansJobs.Handlers;

namespace OrleansJobs.Workers;

/// <summary>
/// The job types this silo leaves to external workers (<see cref="WorkerOptions.Types"/>): their jobs wait Queued and are
/// leased over HTTP rather than run by a handler here. Fixed once the host is built.
/// </summary>
public sealed class ExternalJobTypes
{
    private readonly SortedSet<string> _types = new(StringComparer.Ordinal);

    public ExternalJobTypes(IOptions<WorkerOptions> options, JobHandlerRegistry handlers)
    {
        foreach (var type in options.Value.Types)
        {
            if (!JobHandlerRegistry.IsValidTypeName(type))
                throw new OptionsValidationException(WorkerOptions.Section, typeof(WorkerOptions),
                    [$"Worker job type '{type}' is invalid: use 1 to {JobHandlerRegistry.MaxTypeLength} lowercase letters, digits, '-', '.' or '_'."]);
            if (handlers.IsKnown(type))
                throw new OptionsValidationException(WorkerOptions.Section, typeof(WorkerOptions),
                    [$"Job type '{type}' has a handler in this silo and cannot be an external worker type too."]);
            _types.Add(type);
        }
    }

    public IReadOnlyCollection<string> Types => _types;

    public bool Contains(string type) => _types.Contains(type);
}
