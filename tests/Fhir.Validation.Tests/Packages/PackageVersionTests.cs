using Fhir.Validation.Packages;

namespace Fhir.Validation.Tests.Packages;

public sealed class PackageVersionTests
{
    [Theory]
    [InlineData("5.3.0-ballot-tc1", "5.3.0", -1)]
    [InlineData("5.10.0", "5.9.0", 1)]
    [InlineData("6.1.0", "6.1.0", 0)]
    [InlineData("7.0.1", "6.5.0", 1)]
    public void Versions_order_numerically_with_pre_releases_before_their_release(string a, string b, int sign) =>
        Assert.Equal(sign, Math.Sign(new PackageVersion(a).CompareTo(new PackageVersion(b))));

    [Theory]
    [InlineData("5.1.0", new[] { "5.3.0-ballot-tc1" }, "5.3.0-ballot-tc1")]
    [InlineData("6.1.0", new[] { "7.0.1", "6.5.0", "5.0.0" }, "6.5.0")]
    [InlineData("8.0.0", new[] { "7.0.1", "6.5.0" }, "7.0.1")]
    [InlineData("6.5.0", new[] { "7.0.1", "6.5.0" }, "6.5.0")]
    public void Nearest_is_the_exact_version_else_the_oldest_newer_else_the_newest_older(string wanted, string[] available, string expected) =>
        Assert.Equal(expected, PackageVersion.Nearest(wanted, available));

    [Fact]
    public void Nearest_of_nothing_is_null() => Assert.Null(PackageVersion.Nearest("1.0.0", []));
}
