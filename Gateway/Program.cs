using Verge.Orleans.Gateway.Hosting;
using Verge.Orleans.Silo.Hosting;

var builder = WebApplication.CreateBuilder(args);
if (builder.Configuration.GetValue("Verge:Gateway:HostSilo", defaultValue: true))
{
    builder.AddVergeSilo();
}
else
{
    builder.AddVergeClient();
}

builder.AddVergeIdentity();
builder.AddOpenAiApi();
builder.AddVergeOperations();
builder.AddVergeConsole();

var app = builder.Build();
app.UseExceptionHandler();
app.UseV1Edge();
app.UseVergeAuthentication();
app.MapVergeOperations();
app.MapOpenAiApi();
app.MapAnthropicApi();
app.MapAdminApi();
app.MapVergeConsole();
app.Run();

/// <summary>Entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
