using System.Text.Json;

namespace Fhir.Trials.Tests.Profiles;

/// <summary>The FHIRPath-based <see cref="ProfileChecker"/> passes the valid examples and catches the invalid ones, so that it can vouch for generated data.</summary>
public class ProfileCheckerTests
{
    public static IEnumerable<object[]> Valid() => ProfilesFolder.ValidExamples.Select(f => new object[] { System.IO.Path.GetFileName(f) });

    public static IEnumerable<object[]> Invalid() => ExampleTests.Expectations();

    [Theory]
    [MemberData(nameof(Valid))]
    public void A_valid_example_passes_every_check_of_its_profile(string file)
    {
        var resource = ProfilesFolder.ReadResource(System.IO.Path.Combine(ProfilesFolder.Root, "examples", "valid", file));
        var profile = (string)resource.Child("meta")!.Child("profile")!.Value!;
        Assert.Empty(ProfileChecker.Check(resource, profile));
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void An_invalid_example_fails_some_check_of_its_profile(string file)
    {
        var resource = ProfilesFolder.ReadResource(System.IO.Path.Combine(ProfilesFolder.Root, "examples", "invalid", file));
        var profile = (string)resource.Child("meta")!.Child("profile")!.Value!;
        Assert.NotEmpty(ProfileChecker.Check(resource, profile));
    }
}
