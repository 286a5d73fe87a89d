using System.Buffers;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansJobs.Handlers;

/// <summary>
/// The job types this silo can run, each with the payload type its handler binds (when it is typed). Filled by
/// <c>AddJobHandler</c> while services are registered, read-only afterwards.
/// </summary>
public sealed class JobHandlerRegistry
{
    public const int MaxTypeLength = 100;

    private static readonly SearchValues<char> TypeChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-._");

    private readonly SortedDictionary<string, Type?> types = new(StringComparer.Ordinal);

    /// <summary>The registered types, in ordinal order.</summary>
    public IReadOnlyCollection<string> Types => types.Keys;

    public bool IsKnown(string type) => types.ContainsKey(type);

    /// <summary>
    /// The payload type the handler of <paramref name="type"/> binds (<see cref="IJobHandler{TPayload}"/>,
    /// <see cref="IJobHandler{TPayload, TResult}"/>); null for an untyped handler or an unknown type.
    /// </summary>
    public Type? PayloadType(string type) => types.GetValueOrDefault(type);

    /// <summary>Lowercase letters, digits, '-', '.' and '_', 1 to <see cref="MaxTypeLength"/> characters.</summary>
    public static bool IsValidTypeName(string? type) =>
        type is { Length: > 0 and <= MaxTypeLength } && type.AsSpan().IndexOfAnyExcept(TypeChars) < 0;

    /// <summary>
    /// The handler for <paramref name="type"/> from <paramref name="scopedServices"/> (the attempt's DI scope).
    /// A type this silo does not know fails the job rather than the attempt: retrying here cannot help.
    /// </summary>
    public IJobHandler Resolve(IServiceProvider scopedServices, string type) =>
        IsKnown(type)
            ? scopedServices.GetRequiredKeyedService<IJobHandler>(type)
            : throw new JobFailedException($"No handler is registered for job type '{type}' on this silo. Known types: {string.Join(", ", types)}.", retryable: false);

    internal void Add(string type, Type handlerType)
    {
        if (!IsValidTypeName(type))
            throw new ArgumentException(
                $"Job type '{type}' is invalid: use 1 to {MaxTypeLength} lowercase letters, digits, '-', '.' or '_'.", nameof(type));
        if (!types.TryAdd(type, PayloadTypeOf(handlerType)))
            throw new InvalidOperationException($"A handler for job type '{type}' is already registered.");
    }

    private static Type? PayloadTypeOf(Type handlerType)
    {
        var typed = handlerType.GetInterfaces()
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() is var definition
                        && (definition == typeof(IJobHandler<>) || definition == typeof(IJobHandler<,>)))
            .ToList();
        // The compiler already refuses most such handlers (each typed interface implements ExecuteAsync(JobContext));
        // one that implements that itself as well would leave the payload to bind at submit ambiguous.
        return typed.Count > 1
            ? throw new ArgumentException($"{handlerType.Name} implements {typed.Count} typed job handler interfaces; a job type binds one payload type.", nameof(handlerType))
            : typed.SingleOrDefault()?.GetGenericArguments()[0];
    }
}
