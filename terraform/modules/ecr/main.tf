# The dbt image repository. Release images are addressed by digest and
# their tags never move; only the environment tags (dev, prod, pr-<n>) are
# mutable, re-pointed by dataship with PutImage on promotion or rollback.

resource "aws_ecr_repository" "this" {
  name                 = var.name
  image_tag_mutability = "IMMUTABLE_WITH_EXCLUSION"

  dynamic "image_tag_mutability_exclusion_filter" {
    for_each = var.mutable_tag_filters
    content {
      filter      = image_tag_mutability_exclusion_filter.value
      filter_type = "WILDCARD"
    }
  }

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "AES256"
  }

  tags = var.tags
}

resource "aws_ecr_lifecycle_policy" "this" {
  repository = aws_ecr_repository.this.name

  policy = jsonencode({
    rules = [
      {
        # An image matched by a higher-priority rule is never expired by a
        # lower one: this rule keeps whatever an environment runs, however
        # old its release tag is.
        rulePriority = 1
        description  = "Never expire images an environment points at"
        selection = {
          tagStatus      = "tagged"
          tagPatternList = var.protected_tags
          countType      = "imageCountMoreThan"
          countNumber    = 1000
        }
        action = { type = "expire" }
      },
      {
        rulePriority = 10
        description  = "Expire pull-request images after ${var.pr_image_days} days"
        selection = {
          tagStatus      = "tagged"
          tagPatternList = ["pr-*"]
          countType      = "sinceImagePushed"
          countUnit      = "days"
          countNumber    = var.pr_image_days
        }
        action = { type = "expire" }
      },
      {
        rulePriority = 20
        description  = "Keep the last ${var.keep_release_images} release images"
        selection = {
          tagStatus      = "tagged"
          tagPatternList = ["release-*"]
          countType      = "imageCountMoreThan"
          countNumber    = var.keep_release_images
        }
        action = { type = "expire" }
      },
      {
        rulePriority = 30
        description  = "Keep the last ${var.keep_runtime_images} runtime images"
        selection = {
          tagStatus      = "tagged"
          tagPatternList = ["runtime-*"]
          countType      = "imageCountMoreThan"
          countNumber    = var.keep_runtime_images
        }
        action = { type = "expire" }
      },
      {
        rulePriority = 40
        description  = "Expire untagged images after ${var.untagged_image_days} days"
        selection = {
          tagStatus   = "untagged"
          countType   = "sinceImagePushed"
          countUnit   = "days"
          countNumber = var.untagged_image_days
        }
        action = { type = "expire" }
      },
    ]
  })
}
