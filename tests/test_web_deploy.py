"""deploy/: the container file and the Kubernetes example hold together (what runs, where it listens, how
it is probed, scaled and locked down). No cluster is needed: the files are read and cross-checked."""
from __future__ import annotations

from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"


def test_kubernetes_example_is_a_deployment_a_service_and_an_autoscaler_that_fit():
    docs = {d["kind"]: d for d in yaml.safe_load_all((DEPLOY / "kubernetes.yaml").read_text(encoding="utf-8"))}
    assert set(docs) == {"Deployment", "Service", "HorizontalPodAutoscaler"}
    deployment, service, hpa = docs["Deployment"], docs["Service"], docs["HorizontalPodAutoscaler"]
    pod = deployment["spec"]["template"]
    (container,) = pod["spec"]["containers"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= pod["metadata"]["labels"].items()
    assert service["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
    port_names = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert service["spec"]["ports"][0]["targetPort"] in port_names
    env = {e["name"]: e["value"] for e in container["env"]}
    assert port_names["http"] == int(env["PORT"]) == 8000 and env["WORKERS"] == "1"
    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"]["path"] == "/healthz"
    # Stateless and locked down: nothing written, no root, no privileges.
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert pod["spec"]["securityContext"]["runAsNonRoot"] is True and "volumes" not in pod["spec"]
    assert container["resources"]["requests"]["cpu"] and container["resources"]["limits"]["memory"]
    target = hpa["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", deployment["metadata"]["name"])
    assert hpa["spec"]["minReplicas"] >= 2 and hpa["spec"]["metrics"][0]["resource"]["name"] == "cpu"


def test_container_file_runs_the_web_edition_as_a_plain_user():
    text = (DEPLOY / "Containerfile").read_text(encoding="utf-8")
    assert "python -m socmethod.serving.web --host 0.0.0.0" in text and "EXPOSE 8000" in text
    assert "USER 10001" in text and "/healthz" in text
    assert "COPY data ./data" in text and "COPY socmethod ./socmethod" in text
