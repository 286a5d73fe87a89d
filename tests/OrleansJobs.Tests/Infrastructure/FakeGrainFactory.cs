using Orleans;
using Orleans.Runtime;

namespace OrleansJobs.Tests.Infrastructure;

/// <summary>
/// Hands out in-memory stand-ins for grains, so that code which only reaches grains through an
/// <see cref="IGrainFactory"/> is tested without a silo. Asking for a grain nobody put here fails the test: code
/// that must not contact a grain is proven not to.
/// </summary>
public sealed class FakeGrainFactory : IGrainFactory
{
    private readonly Dictionary<(Type Interface, string Key), IGrain> grains = [];

    public FakeGrainFactory Add<TGrainInterface>(string key, TGrainInterface grain) where TGrainInterface : IGrainWithStringKey
    {
        grains[(typeof(TGrainInterface), key)] = grain;
        return this;
    }

    public FakeGrainFactory Add<TGrainInterface>(long key, TGrainInterface grain) where TGrainInterface : IGrainWithIntegerKey
    {
        grains[(typeof(TGrainInterface), key.ToString(System.Globalization.CultureInfo.InvariantCulture))] = grain;
        return this;
    }

    public TGrainInterface GetGrain<TGrainInterface>(string primaryKey, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithStringKey => Find<TGrainInterface>(primaryKey);

    public TGrainInterface GetGrain<TGrainInterface>(long primaryKey, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithIntegerKey =>
        Find<TGrainInterface>(primaryKey.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private TGrainInterface Find<TGrainInterface>(string key) =>
        grains.TryGetValue((typeof(TGrainInterface), key), out var grain)
            ? (TGrainInterface)grain
            : throw new InvalidOperationException($"No {typeof(TGrainInterface).Name} '{key}' was expected to be called.");

    // The ways of addressing a grain that the code under test does not use.
    public TGrainInterface GetGrain<TGrainInterface>(Guid primaryKey, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithGuidKey => throw Unsupported();

    public TGrainInterface GetGrain<TGrainInterface>(Guid primaryKey, string keyExtension, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithGuidCompoundKey => throw Unsupported();

    public TGrainInterface GetGrain<TGrainInterface>(long primaryKey, string keyExtension, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithIntegerCompoundKey => throw Unsupported();

    public TGrainObserverInterface CreateObjectReference<TGrainObserverInterface>(IGrainObserver obj)
        where TGrainObserverInterface : IGrainObserver => throw Unsupported();

    public void DeleteObjectReference<TGrainObserverInterface>(IGrainObserver obj)
        where TGrainObserverInterface : IGrainObserver => throw Unsupported();

    public IGrain GetGrain(Type grainInterfaceType, Guid grainPrimaryKey) => throw Unsupported();

    public IGrain GetGrain(Type grainInterfaceType, long grainPrimaryKey) => throw Unsupported();

    public IGrain GetGrain(Type grainInterfaceType, string grainPrimaryKey) => throw Unsupported();

    public IGrain GetGrain(Type grainInterfaceType, Guid grainPrimaryKey, string keyExtension) => throw Unsupported();

    public IGrain GetGrain(Type grainInterfaceType, long grainPrimaryKey, string keyExtension) => throw Unsupported();

    public TGrainInterface GetGrain<TGrainInterface>(GrainId grainId) where TGrainInterface : IAddressable => throw Unsupported();

    public IAddressable GetGrain(GrainId grainId) => throw Unsupported();

    public IAddressable GetGrain(GrainId grainId, GrainInterfaceType interfaceType) => throw Unsupported();

    public IAddressable GetGrain(Type interfaceType, IdSpan grainKey, string? grainClassNamePrefix) => throw Unsupported();

    public IAddressable GetGrain(Type interfaceType, IdSpan grainKey) => throw Unsupported();

    private static NotSupportedException Unsupported() => new("This way of addressing a grain is not faked.");
}
