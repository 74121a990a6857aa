using Orleans.Dashboard;
using Verge.Orleans.Gateway.Hosting;
using Verge.Orleans.Hosting;

// The gateway alone (the "AI-helper" of cluster mode) is an Orleans client: it never loads the inference
// code. The single-process product, a silo and this gateway in one process, is the Standalone project.
var builder = WebApplication.CreateBuilder(args);
builder.AddVergeClient(client => client.AddDashboard());
builder.AddVergeGateway();

var app = builder.Build();
app.UseVergeForwardedHeaders();
app.MapVergeGateway();
app.Run();

/// <summary>Entry point of the client-only gateway.</summary>
public partial class Program;
