using System.Security.Cryptography;
using System.Text;
using Sirocco.Server.Resources;

namespace Sirocco.Server.Tests;

public sealed class ChecksumTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("", "d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("abc", "900150983cd24fb0d6963f7d28e17f72")]
    [InlineData("message digest", "f96b697d7cb7938d525a2f31aaf161d0")]
    [InlineData("12345678901234567890123456789012345678901234567890123456789012345678901234567890", "57edf4a22be3c955ac49da2e2107b67a")]
    public void Md5_gives_the_RFC_1321_test_digests(string text, string hex) => Assert.Equal(hex, Md5.HexOfUtf8(text));

    [Fact]
    public void Md5_agrees_with_the_platform_MD5_at_every_padding_boundary()
    {
        var random = new Random(5);
        for (var length = 0; length <= 300; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            Assert.Equal(MD5.HashData(data), Md5.Hash(data));
        }
    }

    [Fact]
    public async Task A_stored_workflow_reports_the_MD5_of_its_definition_as_checksum()
    {
        var definition = "version: '2.0'\nchecksum_wf:\n  description: café ☕\n  tasks:\n    t1:\n      action: std.noop\n";
        var (status, body, _) = await fx.SendAsync(HttpMethod.Post, "/v2/workflows", definition, "text/plain");
        Assert.Equal(201, status);
        var workflow = J.Map(J.List(J.At(body, "workflows")).Single());
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(definition))), workflow["checksum"]);

        (status, body, _) = await fx.GetAsync("/v2/workflows/checksum_wf");
        Assert.Equal(200, status);
        Assert.Equal(workflow["checksum"], J.At(body, "checksum"));
    }
}
