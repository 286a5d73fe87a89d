using System.Reflection;

namespace OrleansJobs.Tests.Infrastructure;

/// <summary>
/// Keeps <c>--filter-trait "Kind=…"</c> honest: a test class without its kind would drop out of every filtered run
/// unnoticed, and one with two would run twice in a run of both.
/// </summary>
[Trait("Kind", "Unit")]
public sealed class TestKindTests
{
    /// <summary>What a test needs: nothing, a real store, an in-process silo or web host, real processes, a browser or Node.</summary>
    private static readonly string[] Kinds = ["Unit", "Store", "Silo", "Process", "Browser"];

    [Fact]
    public void Every_test_class_has_exactly_one_kind_from_the_known_set()
    {
        var offenders = typeof(TestKindTests).Assembly.GetTypes()
            .Where(type => type is { IsClass: true, IsAbstract: false } && TestMethods(type).Any())
            .SelectMany(Problems)
            .Order()
            .ToList();

        Assert.True(offenders.Count == 0,
            $"Every test class carries exactly one [Trait(\"Kind\", …)] of {string.Join(", ", Kinds)}:\n{string.Join('\n', offenders)}");
    }

    private static IEnumerable<string> Problems(Type testClass)
    {
        var kinds = KindsOf(testClass).ToList();
        if (kinds.Count == 0)
            yield return $"{testClass.FullName}: no Kind trait";
        else if (kinds.Count > 1)
            yield return $"{testClass.FullName}: {kinds.Count} Kind traits ({string.Join(", ", kinds)})";
        else if (!Kinds.Contains(kinds[0]))
            yield return $"{testClass.FullName}: unknown kind \"{kinds[0]}\"";
        // A kind on a method would give its tests two: the class's and its own.
        foreach (var method in TestMethods(testClass).Where(method => KindsOf(method).Any()))
            yield return $"{testClass.FullName}.{method.Name}: a Kind trait on a method";
    }

    private static IEnumerable<MethodInfo> TestMethods(Type type) =>
        type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
            .Where(method => method.IsDefined(typeof(FactAttribute), inherit: true)); // Theory is a Fact too

    private static IEnumerable<string> KindsOf(MemberInfo member) =>
        member.GetCustomAttributes<TraitAttribute>(inherit: true).Where(trait => trait.Name == "Kind").Select(trait => trait.Value);
}
